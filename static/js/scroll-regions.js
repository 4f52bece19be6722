/* Reflow (WCAG 1.4.10): a table wider than the screen scrolls inside its own box (.table-wrap),
   never the page. Such a box becomes a focusable region named after its table's caption, so a
   keyboard user can scroll it too (WCAG 2.1.1); it stops being one when the table fits again. */
(function () {
  "use strict";

  function name(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return (text || "Table") + " (scrolls sideways)";
  }

  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      if (overflows && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name(wrap));
        wrap.setAttribute("data-scroll-region", "");
      } else if (!overflows && wrap.hasAttribute("data-scroll-region")) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (attr) {
          wrap.removeAttribute(attr);
        });
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 100);
  });
  update();
})();
