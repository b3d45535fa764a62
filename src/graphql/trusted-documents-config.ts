import { z } from "zod";

/**
 * off: hashes are not looked up, documents are free-form. allow: an operation may be sent by its
 * hash (documents from the manifest) or in full. required: only documents in the manifest run;
 * GraphiQL keeps free-form documents in development.
 */
export interface TrustedDocumentsConfig {
  mode: "off" | "allow" | "required";
  /** JSON manifests `{ "<sha256>": "<document>" }`, as graphql-codegen's client preset writes them. */
  files: string[];
}

export const trustedDocumentsVariables = {
  TRUSTED_DOCUMENTS: z.enum(["off", "allow", "required"]).default("allow"),
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
};

type Variables = z.output<z.ZodObject<typeof trustedDocumentsVariables>>;

export function trustedDocumentsConfig(e: Variables): TrustedDocumentsConfig {
  const files = (e.TRUSTED_DOCUMENTS_FILE ?? "")
    .split(",")
    .map((file) => file.trim())
    .filter(Boolean);
  return { mode: e.TRUSTED_DOCUMENTS, files };
}

/** A problem loadConfig reports: `required` with no manifest would refuse every operation. */
export function trustedDocumentsProblem(config: TrustedDocumentsConfig): string | undefined {
  if (config.mode === "required" && config.files.length === 0) {
    return "TRUSTED_DOCUMENTS_FILE: required when TRUSTED_DOCUMENTS=required (the persisted-documents.json of your clients)";
  }
  return undefined;
}
