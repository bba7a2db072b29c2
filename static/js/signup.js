// The sign-up's unit chooser (templates/grid_woodpecker/register.html): choosing a unit fills the select below it
// (county-level unit → township → village or community → grid; the county select is there only when the portal's
// grids span several county-level units), each from the JSON of `data-units-url` (grid_woodpecker.views.signup_units).
// Without this script the "next" button posts the page back instead.
//
// window.signupChooser.preselect(gridId) sets the selects in turn to a grid (for a button that proposes the grid
// from the phone's location): the choices leading to it come from `data-units-url?grid=`; it returns a Promise.
(function () {
  var chooser = document.querySelector(".unit-chooser[data-units-url]");
  if (!chooser) return;
  var url = chooser.getAttribute("data-units-url");
  var selects = Array.prototype.slice.call(chooser.querySelectorAll("select[data-level]"));
  if (selects.length < 3 || !window.fetch) return;
  chooser.querySelectorAll("[data-nojs]").forEach(function (el) { el.hidden = true; });

  function clear(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
  }

  function getJSON(query) {
    return fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      });
  }

  function fill(index, parentId) {
    for (var i = index; i < selects.length; i++) clear(selects[i]);
    if (!parentId) return Promise.resolve();
    selects[index].disabled = true;
    return getJSON("?parent=" + encodeURIComponent(parentId))
      .catch(function () { return { units: [] }; })
      .then(function (data) {
        data.units.forEach(function (unit) { selects[index].add(new Option(unit.name, unit.id)); });
      })
      .finally(function () { selects[index].disabled = false; });
  }

  selects.slice(0, -1).forEach(function (select, index) {
    select.addEventListener("change", function () { fill(index + 1, select.value); });
  });

  window.signupChooser = {
    preselect: function (gridId) {
      return getJSON("?grid=" + encodeURIComponent(gridId)).then(function (data) {
        var step = Promise.resolve();
        selects.forEach(function (select, index) {
          var id = String(data.chain[select.getAttribute("data-level")]);
          step = step.then(function () {
            select.value = id;
            if (select.value !== id) throw new Error("not a choice");
            return index + 1 < selects.length ? fill(index + 1, id) : null;
          });
        });
        return step;
      });
    },
  };

  // "Choose my grid from my location": the phone's position, the grid whose outline holds it (the locate endpoint,
  // organizations.api.views.LocateView), then the three selects set as if chosen by hand. Hidden where the browser
  // has no geolocation; every failure says so in words and leaves the selects to the hand.
  var propose = document.getElementById("propose-grid");
  if (!propose || !("geolocation" in navigator)) return;
  var status = document.getElementById("proposed");
  document.getElementById("propose-row").hidden = false;

  function say(key, isError) {
    status.textContent = propose.dataset[key] || "";
    status.classList.toggle("field-error", Boolean(isError));
    status.dataset.state = key;
  }

  propose.addEventListener("click", function () {
    propose.disabled = true;
    say("locating", false);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var query = "?lat=" + position.coords.latitude.toFixed(6) + "&lng=" + position.coords.longitude.toFixed(6);
        fetch(propose.dataset.locateUrl + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (found) {
            return window.signupChooser.preselect(found.grid.id);
          })
          .then(function () { say("proposed", false); })
          .catch(function () { say("outside", true); })
          .finally(function () { propose.disabled = false; });
      },
      function (error) {
        propose.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable", true);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
