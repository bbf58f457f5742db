// Draws a case's process diagram with bpmn-js's viewer where a page holds a
// [data-process-diagram] element: the BPMN file comes from its data-source address and the
// elements named in data-current (a JSON list of ids) are marked as where the case is now.
// Without scripts the page still lists the current steps in words.
(function () {
  "use strict";
  var holder = document.querySelector("[data-process-diagram]");
  if (!holder || typeof window.BpmnJS !== "function") {
    return;
  }
  var current = JSON.parse(holder.getAttribute("data-current") || "[]");
  fetch(holder.getAttribute("data-source"), { credentials: "same-origin" })
    .then(function (answer) {
      if (!answer.ok) {
        throw new Error("The diagram could not be loaded (" + answer.status + ")");
      }
      return answer.text();
    })
    .then(function (xml) {
      var viewer = new window.BpmnJS({ container: holder });
      return viewer.importXML(xml).then(function () {
        var canvas = viewer.get("canvas");
        canvas.zoom("fit-viewport");
        current.forEach(function (id) {
          canvas.addMarker(id, "burgh-current-step");
        });
        holder.classList.add("burgh-process-diagram--drawn");
      });
    })
    .catch(function (error) {
      holder.textContent = error.message;
    });
})();
