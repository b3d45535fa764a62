import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from Sokudo's committed schema: `npm run codegen` after editing an operation
// in src/ (or after the schema changed). The generated src/gql/ is committed.
const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      // persisted-documents.json: { sha256: document }, what `npm run check-operations` in the root checks.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // How Sokudo's scalars arrive in JSON.
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};

export default config;
