import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents (client preset) for the operations tests and benchmarks send,
// generated from the committed schema.graphql: `npm run codegen`.
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/**/*.ts", "bench/**/*.ts", "!test/gql/**"],
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
