"use client";

import { useState } from "react";

// Copies `text` and says so in a status region, for screen readers too.
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn-secondary"
        onClick={() => {
          // Fire and forget: if the clipboard refuses, "Copied" is not shown.
          void navigator.clipboard.writeText(text).then(() => setCopied(true));
        }}
      >
        {label}
      </button>
      <span role="status" className="self-center text-sm text-emerald-700">
        {copied ? "Copied" : ""}
      </span>
    </>
  );
}
