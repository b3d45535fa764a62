// The rooms of src/ and the directions imports may run between them (npm run check: depcruise).
// A request goes http/ -> graphql/ -> schema/ -> upstream/, jobs/, cache/ -> data/ -> PostgreSQL;
// each room may import from its own room and from the rooms listed below it, never from above.
const LAYERS = [
  ["main", "^src/main\\.ts$"],
  ["app", "^src/app\\.ts$"],
  ["cli", "^src/cli/"],
  ["http", "^src/http/"],
  ["graphql", "^src/graphql/"],
  ["schema", "^src/schema/"],
  ["upstream", "^src/upstream/"],
  ["jobs", "^src/jobs/"],
  ["cache", "^src/cache/"],
  ["data", "^src/data/"],
  ["auth", "^src/auth/"],
  ["observability", "^src/observability/"],
  ["embedded", "^src/embedded/"],
  ["migrate", "^src/migrate/"],
  ["leaves", "^src/(config|errors|shutdown|telemetry)\\.ts$"],
];

const layerRules = LAYERS.slice(1).map(([name, path], index) => ({
  name: `no-import-up-from-${name}`,
  comment: `${name} may import only from the rooms below it: ${LAYERS.slice(index + 2)
    .map(([lower]) => lower)
    .join(", ")}`,
  severity: "error",
  from: { path },
  to: { path: LAYERS.slice(0, index + 1).map(([, upper]) => upper) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import circles: a room that needs another's value and is needed back is one room or two layers.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "config-is-read-by-the-composition",
      comment:
        "config.ts reads the environment once; only the entry points (main.ts, telemetry.ts, cli/) and app.ts take values from it, everything else is handed plain options (its types may be imported anywhere).",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(main|app|telemetry|config)\\.ts$|^src/cli/" },
      to: { path: "^src/config\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "leaves-import-nothing-of-ours",
      comment: "config, errors and shutdown are leaves: everything may use them, they use nothing of src/.",
      severity: "error",
      from: { path: "^src/(config|errors|shutdown)\\.ts$" },
      to: { path: "^src/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/data/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
