/*
 * The sandbox's pages (BotFather, audience): the little that needs a script. Everything works without it, except
 * live replies and the copy buttons.
 * - A chat scrolls to its newest message.
 * - A token BotFather gives gets a Copy button.
 * - An audience chat listens to server-sent events and fetches its messages again when the bot wrote.
 */
(function () {
  'use strict';

  function scrollToEnd(log) {
    if (log) {
      log.scrollTop = log.scrollHeight;
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-scroll-end]'), scrollToEnd);

  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-token]'), function (token) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'button small-button tg-copy';
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy the token');
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(token.textContent.trim()).then(function () {
          button.textContent = 'Copied';
        }, function () {
          button.textContent = 'Select and copy it';
        });
      });
      token.insertAdjacentElement('afterend', button);
    });
  }

  var chat = document.querySelector('[data-sandbox-chat]');
  if (!chat || !window.EventSource) {
    return;
  }
  var transcriptUrl = chat.getAttribute('data-transcript');
  var statusLine = chat.querySelector('[data-live-status]');
  var busy = false;
  var again = false;

  function setStatus(text) {
    if (statusLine && statusLine.textContent !== text) {
      statusLine.textContent = text;
    }
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    window.fetch(transcriptUrl, { credentials: 'same-origin', redirect: 'error', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement('template');
        template.innerHTML = html;
        var fresh = template.content.firstElementChild;
        var current = document.getElementById('chat-transcript');
        if (fresh && current && fresh.outerHTML !== current.outerHTML) {
          var nearEnd = current.scrollHeight - current.scrollTop - current.clientHeight < 120;
          current.parentNode.replaceChild(fresh, current);
          if (nearEnd) {
            scrollToEnd(fresh);
          }
        }
      })
      .catch(function () {
        setStatus('Live replies stopped: reload the page.');
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new window.EventSource(chat.getAttribute('data-events'));
  source.addEventListener('chat', refresh);
  source.addEventListener('open', function () {
    setStatus('Live');
    // catch up with what happened between rendering the page (or losing the connection) and listening
    refresh();
    chat.setAttribute('data-live', 'on');
  });
  source.addEventListener('error', function () {
    setStatus(source.readyState === window.EventSource.CLOSED ? 'Live replies stopped: reload the page.' : 'Reconnecting…');
  });
}());
