// The sign-up's unit chooser (templates/grid_woodpecker/register.html): choosing a township fills the village or
// community select, choosing one of those fills the grid select, each from the JSON of `data-units-url`
// (grid_woodpecker.views.signup_units). Without this script the "next" button posts the page back instead.
//
// window.signupChooser.preselect(townshipId, communityId, gridId) sets the three selects in turn (for a button that
// proposes the grid from the phone's location); it returns a Promise.
(function () {
  var chooser = document.querySelector(".unit-chooser[data-units-url]");
  if (!chooser) return;
  var url = chooser.getAttribute("data-units-url");
  var levels = ["township", "community", "grid"];
  var selects = levels.map(function (level) { return chooser.querySelector("select[data-level=" + level + "]"); });
  if (selects.indexOf(null) !== -1 || !window.fetch) return;
  chooser.querySelectorAll("[data-nojs]").forEach(function (el) { el.hidden = true; });

  function clear(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
  }

  function fill(index, parentId) {
    for (var i = index; i < selects.length; i++) clear(selects[i]);
    if (!parentId) return Promise.resolve();
    selects[index].disabled = true;
    return fetch(url + "?parent=" + encodeURIComponent(parentId), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { units: [] }; })
      .then(function (data) {
        data.units.forEach(function (unit) { selects[index].add(new Option(unit.name, unit.id)); });
      })
      .finally(function () { selects[index].disabled = false; });
  }

  selects.slice(0, -1).forEach(function (select, index) {
    select.addEventListener("change", function () { fill(index + 1, select.value); });
  });

  window.signupChooser = {
    preselect: function (townshipId, communityId, gridId) {
      selects[0].value = String(townshipId);
      return fill(1, townshipId)
        .then(function () { selects[1].value = String(communityId); return fill(2, communityId); })
        .then(function () { selects[2].value = String(gridId); });
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
            return window.signupChooser.preselect(found.township.id, found.community.id, found.grid.id);
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
