"use client";

import { CopyButton } from "@/app/_components/copy-button";

// Shown once, right after they are made: copy or download, then continue.
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = `Two-Factor App recovery codes\nEach code works once.\n\n${codes.join("\n")}\n`;
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="space-y-4">
      <ul
        data-testid="recovery-codes"
        aria-label="Recovery codes"
        className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-4 font-mono text-sm ring-1 ring-slate-200"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={codes.join("\n")} label="Copy codes" />
        <a className="btn-secondary" href={href} download="two-factor-recovery-codes.txt">
          Download as text
        </a>
      </div>
    </div>
  );
}
