// A module whose default export is a list of plugins, as --plugin accepts.
import halfWritePlugin from "./half_write_plugin.ts";
import slowPlugin from "./slow_plugin.ts";

export default [halfWritePlugin, slowPlugin];
