// The clue form: "Use my location" fills the latitude and longitude fields from the browser's geolocation.
document.getElementById("locate").addEventListener("click", function () {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (p) {
    document.getElementById("id_latitude").value = p.coords.latitude.toFixed(6);
    document.getElementById("id_longitude").value = p.coords.longitude.toFixed(6);
    document.getElementById("located").textContent = "✓";
  });
});
