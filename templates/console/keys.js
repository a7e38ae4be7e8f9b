// The console's keyboard shortcuts, an enhancement: every action is also a link or a button,
// so the console works without this script. Keys are ignored while typing in a field.
(function () {
  "use strict";
  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }
  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.href; return true; }
    return false;
  }
  function pages() { return Array.prototype.slice.call(document.querySelectorAll("article.page")); }
  function currentPage() {
    var list = pages(), best = 0;
    for (var index = 0; index < list.length; index++) {
      if (list[index].getBoundingClientRect().top <= 80) best = index;
    }
    return best;
  }
  function showPage(offset) {
    var list = pages();
    if (!list.length) return;
    var target = Math.max(0, Math.min(list.length - 1, currentPage() + offset));
    list[target].scrollIntoView({ block: "start" });
  }
  function zoom(step) {
    var levels = Array.prototype.slice.call(document.querySelectorAll("nav.viewer a[data-zoom]"));
    var current = document.querySelector("nav.viewer [aria-current][data-zoom]");
    var index = current ? levels.indexOf(current) : 0;
    var next = levels[Math.max(0, Math.min(levels.length - 1, index + step))];
    if (next && next !== current) window.location.href = next.href;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var handled = true;
    switch (event.key) {
      case "j": case "ArrowDown": showPage(1); break;
      case "k": case "ArrowUp": showPage(-1); break;
      case "+": case "=": zoom(1); break;
      case "-": zoom(-1); break;
      case "a": handled = follow("a[data-outcome=approve]"); break;
      case "r": handled = follow("a[data-outcome=reject]"); break;
      case "i": handled = follow("a[data-outcome=request_info]"); break;
      case "n":
        var next = document.getElementById("next-item");
        if (next) next.form.submit(); else handled = false;
        break;
      case "?":
        var help = document.getElementById("keys-help");
        if (help) { help.open = !help.open; if (help.open) help.scrollIntoView({ block: "nearest" }); }
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
