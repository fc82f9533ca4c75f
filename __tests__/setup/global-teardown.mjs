import fs from "node:fs";
import { runDir } from "./paths.mjs";

export default function globalTeardown() {
  fs.rmSync(runDir, { recursive: true, force: true });
}
