// Progressive enhancement for the portal. Every action also works without this file.
(function () {
  "use strict";

  function alertRegion() {
    return document.getElementById("alert-region");
  }

  function showAlert(text) {
    var region = alertRegion();
    if (!region) return;
    var p = document.createElement("p");
    p.textContent = text;
    region.replaceChildren(p);
  }

  // Move focus to whatever the server marked, so keyboard and screen-reader users land on
  // the new row, the next row after a removal, or the first field with an error.
  function focusMarked() {
    var target = document.querySelector("[data-focus-target]");
    if (!target) return;
    target.removeAttribute("data-focus-target");
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  function cancelConfirm(slot) {
    var confirm = slot.querySelector("[data-confirm-for]");
    if (!confirm) return;
    var id = confirm.getAttribute("data-confirm-for");
    slot.replaceChildren();
    var button = document.querySelector('[data-remove-button="' + id + '"]');
    if (button) button.focus();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    // Error answers the server retargeted (into the alert region) are meant to be shown.
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The sentences come translated from the page (base.html's <body data-…>, portal/wording.py).
  document.addEventListener("htmx:responseError", function () {
    showAlert(document.body.dataset.responseError);
  });

  document.addEventListener("htmx:sendError", function () {
    showAlert(document.body.dataset.sendError);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    // A new action replaces the last outcome, so old messages do not linger.
    var region = alertRegion();
    if (region && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") {
      region.replaceChildren();
    }
  });

  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("DOMContentLoaded", focusMarked);

  // Closing a row's notification panel returns focus to the button that opened it.
  function closeNotifications(slot) {
    var panel = slot.querySelector("[data-notifications-for]");
    if (!panel) return;
    var id = panel.getAttribute("data-notifications-for");
    slot.replaceChildren();
    var button = document.querySelector('[data-notifications-button="' + id + '"]');
    if (button) button.focus();
  }

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-cancel-confirm]");
    if (cancel) {
      cancelConfirm(cancel.closest(".channel__confirm"));
    }
    var close = event.target.closest("[data-close-notifications]");
    if (close) {
      closeNotifications(close.closest(".channel__notifications"));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var slot = event.target.closest && event.target.closest(".channel__confirm");
    if (slot) {
      event.preventDefault();
      cancelConfirm(slot);
    }
    var panelSlot = event.target.closest && event.target.closest(".channel__notifications");
    if (panelSlot) {
      event.preventDefault();
      closeNotifications(panelSlot);
    }
  });
})();
