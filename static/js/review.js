/* Quick feedback on the action page and the monthly review. Progressive enhancement only:
   every form works the same with JavaScript off (the server checks everything again).
   - marks changed rows (compared with the values the page was rendered from),
   - counts the changes waiting to be saved,
   - says, as you type, that a status change needs a sentence of commentary,
   - filters the review to stale actions without reloading. */
(function () {
  "use strict";

  var MIN_WORDS = 3;
  var MIN_CHARS = 15;

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function text(value) {
    return (value || "").replace(/\r\n?/g, "\n").trim();
  }

  function rowState(row) {
    var rag = field(row, "rag");
    var seenRag = field(row, "seen_rag");
    var completed = field(row, "completed");
    var seenCompleted = field(row, "seen_completed");
    var commentary = field(row, "commentary");
    var nextSteps = field(row, "next_steps");
    var seenNextSteps = field(row, "seen_next_steps");
    var due = field(row, "due_date");
    var seenDue = field(row, "seen_due_date");
    var statusChanged =
      (rag && seenRag && rag.value !== seenRag.value) ||
      (completed && seenCompleted && completed.checked !== (seenCompleted.value === "True"));
    var note = text(commentary && commentary.value);
    var changed =
      statusChanged ||
      note !== "" ||
      (nextSteps && seenNextSteps && text(nextSteps.value) !== text(seenNextSteps.value)) ||
      (due && seenDue && due.value !== seenDue.value);
    var words = note ? note.split(/\s+/).length : 0;
    return {
      changed: Boolean(changed),
      needsCommentary: Boolean(statusChanged) && (words < MIN_WORDS || note.length < MIN_CHARS),
    };
  }

  function update(row) {
    var state = rowState(row);
    row.classList.toggle("row-changed", state.changed);
    var flag = row.querySelector("[data-changed-flag]");
    if (flag) flag.hidden = !state.changed;
    var hint = row.querySelector("[data-commentary-needed]");
    if (hint) {
      hint.hidden = !state.needsCommentary;
      var commentary = field(row, "commentary");
      if (commentary) {
        if (!hint.id) hint.id = commentary.id + "_needed";
        var described = (commentary.getAttribute("aria-describedby") || "")
          .split(" ")
          .filter(function (id) { return id && id !== hint.id; });
        if (state.needsCommentary) described.push(hint.id);
        if (described.length) commentary.setAttribute("aria-describedby", described.join(" "));
        else commentary.removeAttribute("aria-describedby");
      }
    }
    return state.changed;
  }

  function refreshCounter(rows, counter) {
    var count = 0;
    rows.forEach(function (row) {
      if (update(row)) count += 1;
    });
    if (counter) {
      counter.textContent =
        count === 0 ? "No changes yet." : count + (count === 1 ? " change" : " changes") + " to save.";
    }
  }

  function setUpStaleFilter(rows) {
    var filter = document.querySelector("[data-stale-filter]");
    if (!filter || filter.hasAttribute("data-server-filtered")) return;
    var box = filter.querySelector('input[name="stale"]');
    var apply = filter.querySelector("[data-filter-apply]");
    if (!box) return;
    if (apply) apply.hidden = true;
    function applyFilter() {
      var staleOnly = box.checked;
      rows.forEach(function (row) {
        var keep = !staleOnly || row.hasAttribute("data-stale") || row.classList.contains("row-changed");
        row.classList.toggle("is-filtered-out", !keep);
      });
      document.querySelectorAll(".review-table").forEach(function (table) {
        var visible = table.querySelector("[data-status-row]:not(.is-filtered-out)");
        table.parentElement.hidden = !visible;
      });
      document.querySelectorAll(".review-pillar").forEach(function (section) {
        section.hidden = !section.querySelector("[data-status-row]:not(.is-filtered-out)");
      });
      var url = new URL(window.location.href);
      if (staleOnly) url.searchParams.set("stale", "1");
      else url.searchParams.delete("stale");
      window.history.replaceState(null, "", url.toString());
      // the page's Excel and CSV buttons export what the page shows
      document.querySelectorAll("a[data-export]").forEach(function (link) {
        var target = new URL(link.href);
        if (staleOnly) target.searchParams.set("stale", "true");
        else target.searchParams.delete("stale");
        link.href = target.toString();
      });
    }
    box.addEventListener("change", applyFilter);
    filter.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilter();
    });
  }

  function init() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-status-row]"));
    if (!rows.length) return;
    var counter = document.querySelector("[data-change-counter]");
    rows.forEach(function (row) {
      row.addEventListener("input", function () { refreshCounter(rows, counter); });
      row.addEventListener("change", function () { refreshCounter(rows, counter); });
    });
    refreshCounter(rows, counter);
    setUpStaleFilter(rows);
    var bar = document.querySelector(".review-savebar");
    if (bar) keepFocusAboveBar(bar);
    var problems = document.getElementById("review-problems");
    if (problems) problems.focus();
  }

  /* WCAG 2.4.11: the sticky save bar never covers the field that has focus. */
  function keepFocusAboveBar(bar) {
    function measure() {
      document.documentElement.style.setProperty("--savebar-height", bar.offsetHeight + 16 + "px");
    }
    measure();
    window.addEventListener("resize", measure);
    document.addEventListener("focusin", function (event) {
      if (bar.contains(event.target)) return;
      var covered = event.target.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
      if (covered > 0) window.scrollBy(0, covered + 16);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
