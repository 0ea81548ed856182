// What the zh-words walks share: the visible text of a page, the rule for what is foreign in
// it (English words, raw keys, ISO or US dates), and a walk that opens screens, sheets and
// dialogs one after another and collects what is foreign on each.

// Latin words a Chinese screen may show: names of things that have no other name.
export const ALLOWED = new Set(['ID', 'QR', 'PDF', 'Excel', 'CSV', 'PIN']);

/**
 * What a person sees on the page: its visible text, and the values and placeholders of the
 * visible inputs (a picker field shows its choice as an input's value). Text marked as English
 * (`lang="en"`: the language's own name in the language picker, a policy's English name, a
 * report figure no label is known for) is left out: it is meant to be read as it is.
 */
export async function visibleText(page) {
  return page.evaluate(() => {
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const english = [...document.querySelectorAll('body [lang="en"]')];
    const inputs = [...document.querySelectorAll('input, textarea')].filter((i) => shown(i) && !i.closest('[lang="en"]'));
    const display = english.map((e) => e.style.display);
    english.forEach((e) => (e.style.display = 'none'));
    const text = document.body.innerText;
    english.forEach((e, i) => (e.style.display = display[i]));
    return [text, ...inputs.map((i) => `${i.value}\n${i.placeholder}`)].join('\n');
  });
}

/**
 * The English words and foreign dates in `text`. A word is a run of Latin letters (with - _ .)
 * of two letters or more; a token with a digit is a number, a plate or an id, a web
 * address is an address, a file's extension (.xlsx) is its type and an enrollment code
 * (`K7MQ-4XRT`, from the relay's alphabet of capitals and digits; about one in eleven has no
 * digit) is a code, not words.
 */
export function foreign(text) {
  const out = [];
  for (const token of text.split(/[^A-Za-z0-9._:/@-]+/)) {
    if (!token || /\d/.test(token) || token.includes('://') || /^\.[a-z]+$/.test(token)) continue;
    if (/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/.test(token)) continue;
    const word = token.replace(/^[._:/@-]+|[._:/@-]+$/g, '');
    if ((word.match(/[A-Za-z]/g) ?? []).length >= 2 && !ALLOWED.has(word)) out.push(word);
  }
  for (const d of text.match(/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b/g) ?? []) out.push(d);
  return out;
}

/** Waits until no spinner is in sight (one covered by the lock screen is not). */
export async function settle(page) {
  await page.waitForTimeout(600);
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('.van-loading')].some((e) => {
        if (!e.offsetParent) return false;
        const r = e.getBoundingClientRect();
        return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
      }),
  );
}

/** Opens each screen in turn (by its hash, or by a step) and collects what is foreign on it. */
export async function walk(page, screens) {
  const found = [];
  for (const [name, go] of screens) {
    if (typeof go === 'string') await page.evaluate((h) => (location.hash = h), go);
    else await go();
    await settle(page);
    for (const w of foreign(await visibleText(page))) found.push(`${name}: ${w}`);
  }
  return found;
}

/** Closes what is open over the screen (a dialog's cancel, a picker's cancel, a sheet's close icon), topmost first. */
export async function dismiss(page) {
  const closers = ['.van-dialog__cancel', '.van-dialog__confirm', '.van-picker__cancel', '.van-popup__close-icon'];
  for (let round = 0; round < 4; round++) {
    let closed = false;
    for (const sel of closers) {
      const open = page.locator(`${sel}:visible`);
      if (!(await open.count())) continue;
      await open.last().click();
      await page.waitForTimeout(500);
      closed = true;
      break;
    }
    if (!closed) return;
  }
}

/** A step of a walk: closes what is open, goes to `hash` and taps `target`. */
export const opener = (page, hash, target) => async () => {
  await dismiss(page);
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator(target).first().click();
};
