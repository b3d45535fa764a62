/** "Node.js" -> "node-js", "C#" -> "c#": the stable key of a tag. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9+#]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
