"use client";

import { useState } from "react";

// Shown once, right after they are made: copy or download, then continue.
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
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
        <button
          type="button"
          className="btn-secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(codes.join("\n"));
            setCopied(true);
          }}
        >
          Copy codes
        </button>
        <a className="btn-secondary" href={href} download="two-factor-recovery-codes.txt">
          Download as text
        </a>
        <span role="status" className="self-center text-sm text-emerald-700">
          {copied ? "Copied" : ""}
        </span>
      </div>
    </div>
  );
}
