import Crypto
import Foundation

/// The board's only script, inline: marks the page `js`, counts each `data-due` element down every second (correcting for the
/// difference between the server's clock and the phone's), marks a card overdue when its time passes, and
/// reloads the page every `data-refresh` seconds unless someone is typing in a form.
///
/// The page's Content-Security-Policy allows exactly this script by its SHA-256 hash, and no other.
enum BoardScript {
    static let source = """
        (function () {
          document.documentElement.classList.add("js");
          var body = document.body;
          var skew = Number(body.dataset.now) - Date.now();
          var units = (body.dataset.units || "d ,h ,m ,s").split(",");
          function text(ms) {
            var s = Math.max(0, Math.floor(ms / 1000));
            var parts = [Math.floor(s / 86400), Math.floor(s % 86400 / 3600), Math.floor(s % 3600 / 60), s % 60];
            var i = 0;
            while (i < 3 && parts[i] === 0) { i++; }
            var out = parts[i] + units[i];
            if (i < 3) { out += (parts[i + 1] < 10 ? "0" : "") + parts[i + 1] + units[i + 1]; }
            return out.trim();
          }
          function tick() {
            var now = Date.now() + skew;
            var clocks = document.querySelectorAll("[data-due]");
            for (var k = 0; k < clocks.length; k++) {
              var el = clocks[k];
              var left = Number(el.dataset.due) - now;
              var late = left < 0;
              el.textContent = (late ? body.dataset.dueOver : body.dataset.dueLeft).replace("%@", text(Math.abs(left)));
              if (late) {
                el.classList.add("late");
                var card = el.closest(".card");
                if (card) { card.classList.add("overdue"); }
              }
            }
          }
          tick();
          setInterval(tick, 1000);
          var every = Number(body.dataset.refresh) * 1000;
          function reload() {
            var fields = document.querySelectorAll("textarea, input[type=text], input[type=password]");
            for (var k = 0; k < fields.length; k++) {
              if (fields[k].value !== "" || fields[k] === document.activeElement) { setTimeout(reload, every); return; }
            }
            location.reload();
          }
          if (every > 0) { setTimeout(reload, every); }
        })();
        """

    /// The `Content-Security-Policy` of board pages: nothing from elsewhere, inline styles, this script only,
    /// forms posting back here, no framing.
    static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Array(source.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-\(digest)'; img-src 'self' data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }()
}
