import { builder } from "./builder.ts";
import "./root.ts";
import "./user.ts";
import "./post.ts";
import "./comment.ts";
import "./tag.ts";
import "./social.ts";
import "./auth.ts";
import "./insights.ts";
import "./jobs.ts";
import "./node.ts";

export const schema = builder.toSchema({ sortSchema: true });
