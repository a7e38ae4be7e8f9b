// The portal's only script, for comfort: pages state times in UTC (they work without
// JavaScript); this shows each <time datetime> in the reader's own time zone, in the page's
// language, and keeps the UTC text as the element's tooltip.
(function () {
  "use strict";
  var language = document.documentElement.lang || "en";
  var format;
  try {
    // dateStyle cannot be combined with timeZoneName, so the parts are named one by one.
    format = new Intl.DateTimeFormat(language, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (unsupported) {
    return;
  }
  var elements = document.querySelectorAll("time[datetime]");
  for (var index = 0; index < elements.length; index++) {
    var element = elements[index];
    var instant = new Date(element.getAttribute("datetime"));
    if (isNaN(instant.getTime())) continue;
    element.title = element.textContent;
    element.textContent = format.format(instant);
  }
})();
