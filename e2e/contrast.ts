import type { Page } from "@playwright/test";

export type ContrastProblem = {
  text: string;
  ratio: number;
  required: number;
  color: string;
  background: string;
};

export type ContrastReport = { bodyLuminance: number; checked: number; problems: ContrastProblem[] };

// WCAG 2.2 SC 1.4.3 (AA): 4.5:1 for text, 3:1 for large text (at least 24px,
// or 18.66px bold). Runs in the page: every visible element with its own text
// (and every text field, which shows what is typed), its colour against the
// background it is drawn on, found by walking up to the first opaque
// background and blending the translucent ones on the way. Colours go through
// a canvas so that every CSS colour syntax (Tailwind 4 writes oklch) becomes
// sRGB. Disabled controls are exempt (WCAG: inactive components).
export async function checkContrast(page: Page): Promise<ContrastReport> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 1;
    canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) throw new Error("no canvas");
    type Rgba = [number, number, number, number];
    const toRgba = (css: string): Rgba => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = "#000";
      context.fillStyle = css;
      context.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const alpha = top[3] + below[3] * (1 - top[3]);
      if (alpha === 0) return [0, 0, 0, 0];
      const mix = (i: number): number => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / alpha;
      return [mix(0), mix(1), mix(2), alpha];
    };
    const luminance = ([r, g, b]: Rgba): number => {
      const linear = (channel: number): number => {
        const c = channel / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    // What shows through where nothing paints a background: the Canvas
    // system colour of the page's colour scheme.
    const probe = document.createElement("div");
    probe.style.backgroundColor = "Canvas";
    document.body.append(probe);
    const canvasColour = toRgba(getComputedStyle(probe).backgroundColor);
    probe.remove();
    const backgroundOf = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let node: Element | null = element; node; node = node.parentElement) {
        const colour = toRgba(getComputedStyle(node).backgroundColor);
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] >= 1) break;
      }
      let result: Rgba = [canvasColour[0], canvasColour[1], canvasColour[2], 1];
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const visible = (element: Element): boolean => {
      const style = getComputedStyle(element);
      if (style.visibility !== "visible" || style.display === "none") return false;
      const rect = element.getBoundingClientRect();
      // sr-only text (1px, clipped) is for screen readers, not drawn.
      return rect.width > 1 && rect.height > 1;
    };
    const hasOwnText = (element: Element): boolean =>
      [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim());
    const isTextField = (element: Element): boolean =>
      (element instanceof HTMLInputElement &&
        !["hidden", "checkbox", "radio", "submit", "button", "image", "file", "color", "range"].includes(
          element.type,
        )) ||
      element instanceof HTMLTextAreaElement ||
      element instanceof HTMLSelectElement;

    const problems: {
      text: string;
      ratio: number;
      required: number;
      color: string;
      background: string;
    }[] = [];
    let checked = 0;
    for (const element of document.body.querySelectorAll("*")) {
      if (element.closest("script, style, noscript, template, svg")) continue;
      if (!hasOwnText(element) && !isTextField(element)) continue;
      if (!visible(element)) continue;
      if (element.closest(":disabled")) continue;
      const style = getComputedStyle(element);
      const background = backgroundOf(element);
      const colour = over(toRgba(style.color), background);
      const [light, dark] = [luminance(colour), luminance(background)].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const required = large ? 3 : 4.5;
      checked += 1;
      if (ratio < required) {
        problems.push({
          text: (hasOwnText(element)
            ? (element.textContent ?? "")
            : element.getAttribute("aria-label") || element.id || element.tagName
          )
            .trim()
            .slice(0, 60),
          ratio: Math.round(ratio * 100) / 100,
          required,
          color: style.color,
          background: `rgb(${background.slice(0, 3).map(Math.round).join(" ")})`,
        });
      }
    }
    const bodyLuminance = luminance(backgroundOf(document.body));
    return { bodyLuminance, checked, problems };
  });
}
