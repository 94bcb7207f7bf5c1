// Connect a mailbox: show the fields of the sign-in chosen (a password, or a Microsoft 365
// app's tenant, client id, secret and token endpoint) and hide the other's; the trash folder
// only while the mailbox may delete messages. Without script every field shows and the
// server ignores the ones that do not apply.
(function () {
  "use strict";
  var groups = {
    password: ["id_password"],
    oauth2: ["id_tenant", "id_client_id", "id_client_secret", "id_token_url"],
  };
  function wrapper(id) {
    var input = document.getElementById(id);
    return input ? input.closest(".field") : null;
  }
  function show() {
    var checked = document.querySelector('input[name="auth"]:checked');
    var chosen = checked ? checked.value : "password";
    Object.keys(groups).forEach(function (auth) {
      groups[auth].forEach(function (id) {
        var field = wrapper(id);
        if (field) field.hidden = auth !== chosen;
      });
    });
  }
  document.querySelectorAll('input[name="auth"]').forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
  var deleting = document.getElementById("id_write_access");
  var trash = wrapper("id_trash_folder");
  if (deleting && trash) {
    var follow = function () { trash.hidden = !deleting.checked; };
    deleting.addEventListener("change", follow);
    follow();
  }
})();
