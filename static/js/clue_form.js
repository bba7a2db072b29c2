// The clue form: "Use my location" fills the latitude and longitude fields from the browser's geolocation and says
// in words (the button's data-* attributes, translated on the server) what happened when it cannot. The fields stay
// editable and optional: a refusal never blocks the form.
(function () {
  const button = document.getElementById("locate");
  if (!button) return;
  const status = document.getElementById("located");
  const latitude = document.getElementById("id_latitude");
  const longitude = document.getElementById("id_longitude");

  function say(key, isError) {
    status.textContent = button.dataset[key] || "";
    status.classList.toggle("field-error", Boolean(isError));
    status.dataset.state = key;
  }

  button.addEventListener("click", function () {
    if (!("geolocation" in navigator) || !window.isSecureContext) {
      say("unsupported", true);
      return;
    }
    button.disabled = true;
    say("locating", false);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        say("located", false);
      },
      function (error) {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable", true);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
