import fs from "node:fs";

export default function globalTeardown() {
  if (process.env.JEST_RUN_DIR) fs.rmSync(process.env.JEST_RUN_DIR, { recursive: true, force: true });
}
