import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/**
 * What "readable from the back of the room" means, measured in the page as Chromium renders it:
 * font sizes after every transform (the topology is zoomed), contrast by axe's color-contrast
 * rule, the focus ring against what surrounds it, and boxes that must not overlap.
 */

export interface RenderedText {
  text: string;
  px: number;
  /** A CSS path short enough to read in a failure message. */
  where: string;
}

/** Every visible element that holds text of its own under `root`, with its font size as drawn (CSS size × the zoom of its ancestors). */
export function renderedTextSizes(page: Page, root: string): Promise<RenderedText[]> {
  return page.evaluate((rootSelector) => {
    const scope = document.querySelector(rootSelector);
    if (!scope) return [];
    const found: Array<{ text: string; px: number; where: string }> = [];
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || seen.has(element) || !node.textContent?.trim()) continue;
      seen.add(element);
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.visibility === 'hidden' || box.width === 0 || box.height === 0 || element.closest('[aria-hidden="true"], .visually-hidden, .skip-link')) continue;
      let zoom = 1;
      for (let ancestor: Element | null = element; ancestor; ancestor = ancestor.parentElement) {
        const transform = getComputedStyle(ancestor).transform;
        if (transform && transform !== 'none') {
          const matrix = new DOMMatrix(transform);
          zoom *= Math.hypot(matrix.a, matrix.b);
        }
      }
      const where = [element.tagName.toLowerCase(), ...Array.from(element.classList).slice(0, 2)].join('.');
      found.push({ text: node.textContent.trim().slice(0, 40), px: Math.round(parseFloat(style.fontSize) * zoom * 10) / 10, where });
    }
    return found;
  }, root);
}

export interface Overlap {
  label: string;
  node: string;
}

/** Pairs of (link label, node) whose boxes intersect in the diagram under `root`; the lab network's frame is a container, not a node. */
export function labelsOverNodes(page: Page, root: string): Promise<Overlap[]> {
  return page.evaluate((rootSelector) => {
    const scope = document.querySelector(rootSelector);
    if (!scope) return [];
    const nodes = Array.from(scope.querySelectorAll<HTMLElement>('.react-flow__node')).filter((node) => !node.querySelector('.topo-network'));
    const labels = Array.from(scope.querySelectorAll<HTMLElement>('.topo-edge-label'));
    const overlaps: Array<{ label: string; node: string }> = [];
    for (const label of labels) {
      const a = label.getBoundingClientRect();
      for (const node of nodes) {
        const b = node.getBoundingClientRect();
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push({ label: label.textContent ?? '', node: node.dataset.id ?? '' });
      }
    }
    return overlaps;
  }, root);
}

export interface ContrastFailure {
  text: string;
  ratio: string;
  target: string;
}

/** axe's color-contrast rule (WCAG AA, 4.5:1 for normal text) over the whole page as it is now. */
export async function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  const result = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
  return result.violations.flatMap((violation) =>
    violation.nodes.map((node) => {
      const data = (node.any[0]?.data ?? {}) as { contrastRatio?: number; fgColor?: string; bgColor?: string };
      return { text: node.html.slice(0, 120), ratio: `${data.contrastRatio} (${data.fgColor} on ${data.bgColor})`, target: node.target.join(' ') };
    }),
  );
}

/** axe's serious and critical findings over the whole page as it is now, as "rule (impact): target — summary" lines. */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary ?? ''}`));
}

export interface FocusRing {
  element: string;
  /** none when the focused element draws no outline and no box-shadow. */
  ring: string;
  ringColor: string;
  background: string;
  contrast: number;
}

/** The focused element's ring (outline, else box-shadow) and its contrast against the background around it. */
export function focusRing(page: Page): Promise<FocusRing> {
  return page.evaluate(() => {
    const parse = (color: string): [number, number, number, number] => {
      const numbers = (color.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number);
      return [numbers[0], numbers[1], numbers[2], numbers[3] ?? 1];
    };
    const luminance = ([r, g, b]: number[]) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    let ring = 'none';
    let ringColor = '';
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
      ring = `outline ${style.outlineWidth} ${style.outlineStyle}`;
      ringColor = style.outlineColor;
    } else if (style.boxShadow !== 'none') {
      ring = `box-shadow ${style.boxShadow}`;
      ringColor = style.boxShadow.match(/rgba?\([^)]*\)/)?.[0] ?? '';
    }
    // The ring is drawn around the element: what it must stand out from is the nearest opaque background outside it.
    let background = 'rgb(255, 255, 255)';
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      const color = getComputedStyle(parent).backgroundColor;
      if (parse(color)[3] > 0.5) {
        background = color;
        break;
      }
    }
    const [l1, l2] = [luminance(parse(ringColor || background)), luminance(parse(background))].sort((a, b) => b - a);
    const where = [element.tagName.toLowerCase(), ...Array.from(element.classList).slice(0, 2)].join('.');
    return { element: `${where} "${(element.textContent ?? '').trim().slice(0, 30)}"`, ring, ringColor, background, contrast: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100 };
  });
}

/** Whether each run of characters between separators (e.g. "/" and ":" in an image name) stays on one line. */
export function brokenInsideTokens(page: Page, selector: string, separators: string): Promise<string[]> {
  return page.evaluate(
    ([target, separatorChars]) => {
      const element = document.querySelector(target);
      if (!element) return [`${target} not found`];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      const chars: Array<{ char: string; top: number }> = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let index = 0; index < (node.textContent ?? '').length; index++) {
          const range = document.createRange();
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          const rect = range.getClientRects()[0];
          if (rect) chars.push({ char: node.textContent![index], top: Math.round(rect.top) });
        }
      }
      const broken: string[] = [];
      let token = '';
      let top: number | undefined;
      let split = false;
      for (const { char, top: charTop } of [...chars, { char: separatorChars[0], top: -1 }]) {
        if (separatorChars.includes(char)) {
          if (split) broken.push(token);
          token = '';
          top = undefined;
          split = false;
          continue;
        }
        if (top !== undefined && charTop !== top) split = true;
        top = charTop;
        token += char;
      }
      return broken;
    },
    [selector, separators] as const,
  );
}
