import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents (client preset) for the operations tests and benchmarks send,
// generated from the committed schema.graphql: `npm run codegen`.
const config: CodegenConfig = {
  schema: "schema.graphql",
  // bench/postgraphile holds the peer server and, once the bench has run, its node_modules.
  documents: ["test/**/*.ts", "bench/**/*.ts", "!test/gql/**", "!bench/postgraphile/**"],
  ignoreNoDocuments: true,
  generates: {
    "test/gql/": {
      preset: "client",
      // persisted-documents.json: { sha256: document } for TRUSTED_DOCUMENTS_FILE (docs/trusted-documents.md).
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        scalars: { DateTime: "string" },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
