import { h } from "../dom.js";

/** A place the AI issues will fill, clearly marked so nobody mistakes it for an empty result. */
export function renderPlaceholder(main, title, what) {
  main.append(
    h("h1", {}, title),
    h(
      "div",
      { class: "placeholder", "data-placeholder": "true" },
      h("strong", {}, "Not available yet"),
      `This panel will show ${what}. The AI components that produce it are not part of this build yet; nothing here is hidden or failing.`,
    ),
  );
}
