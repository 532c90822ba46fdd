/*
 * SmartChat admin pages: the little that needs a script. Everything works without it, except live updates.
 * - A form that came back with problems moves focus to its list of problems.
 * - A channel page whose channel is still starting reloads itself until the state settles.
 * - The inbox listens to server-sent events and fetches the conversation list and the open transcript again
 *   when they change; while a reply is queued it asks again every few seconds until it is sent or has failed.
 * - Times are shown in the viewer's time zone (the page is written in UTC), the exact time on hover.
 */
(function () {
  'use strict';

  var SHORT = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23'});
  var LONG = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit',
    minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'});
  var EXACT = new Intl.DateTimeFormat('en-GB', {dateStyle: 'full', timeStyle: 'long'});

  /* Rewrites each <time datetime> in the viewer's zone, in the form the server chose (its UTC text says which). */
  function localTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll('time[datetime]'), function (element) {
      var at = new Date(element.getAttribute('datetime'));
      if (isNaN(at.getTime()) || element.hasAttribute('data-local')) {
        return;
      }
      var long = / UTC$/.test(element.textContent.trim());
      element.textContent = (long ? LONG : SHORT).format(at).replace(' at ', ', ');
      element.title = EXACT.format(at);
      element.setAttribute('data-local', '');
    });
  }

  localTimes(document);

  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
  }

  var settling = document.querySelector('[data-reload-while-settling]');
  if (settling) {
    var delay = parseInt(settling.getAttribute('data-reload-while-settling'), 10) || 1500;
    window.setTimeout(function () { window.location.reload(); }, delay);
  }

  var inbox = document.querySelector('[data-inbox]');
  if (!inbox) {
    return;
  }
  var listUrl = inbox.getAttribute('data-list');
  var transcriptUrl = inbox.getAttribute('data-transcript');
  var statusLine = document.querySelector('[data-live-status]');
  var busy = false;
  var again = false;
  var stopped = false;
  var pollTimer = null;

  function setStatus(text) {
    if (statusLine && statusLine.textContent !== text) {
      statusLine.textContent = text;
    }
  }

  function fetchHtml(url) {
    return window.fetch(url, { credentials: 'same-origin', redirect: 'error', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      });
  }

  function parse(html) {
    var template = document.createElement('template');
    template.innerHTML = html;
    localTimes(template.content);
    return template.content.firstElementChild;
  }

  function transcript() {
    return document.getElementById('transcript');
  }

  function scrollToEnd() {
    var log = transcript();
    if (log) {
      log.scrollTop = log.scrollHeight;
    }
  }

  /* Adds new messages and updates changed ones in place, so that screen readers announce only what is new. */
  function mergeTranscript(fresh) {
    var current = transcript();
    if (!current || !fresh) {
      return;
    }
    var nearEnd = current.scrollHeight - current.scrollTop - current.clientHeight < 80;
    Array.prototype.slice.call(fresh.children).forEach(function (item) {
      var id = item.getAttribute('data-message');
      var existing = current.querySelector('[data-message="' + id + '"]');
      if (!existing) {
        current.appendChild(item);
      } else if (existing.outerHTML !== item.outerHTML) {
        current.replaceChild(item, existing);
      }
    });
    if (nearEnd) {
      scrollToEnd();
    }
  }

  /* Replaces the conversation list, keeping keyboard focus on the same conversation. */
  function replaceList(fresh) {
    var list = document.getElementById('conversation-list');
    if (!list || !fresh || fresh.outerHTML === list.outerHTML) {
      return; // nothing changed: keep the page as it is
    }
    var focused = document.activeElement && list.contains(document.activeElement)
      ? document.activeElement.closest('[data-conversation]') : null;
    var focusedId = focused ? focused.getAttribute('data-conversation') : null;
    list.parentNode.replaceChild(fresh, list);
    if (focusedId) {
      var link = fresh.querySelector('[data-conversation="' + focusedId + '"] a');
      if (link) {
        link.focus();
      }
    }
  }

  function schedulePoll() {
    var log = transcript();
    if (pollTimer || stopped || !log || !log.querySelector('[data-status="QUEUED"]')) {
      return;
    }
    pollTimer = window.setTimeout(function () {
      pollTimer = null;
      refresh();
    }, 2000);
  }

  function refresh() {
    if (stopped) {
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    var work = transcriptUrl
      ? fetchHtml(transcriptUrl).then(function (html) { mergeTranscript(parse(html)); })
      : Promise.resolve();
    work
      .then(function () { return fetchHtml(listUrl); })
      .then(function (html) { replaceList(parse(html)); })
      .catch(function () {
        stopped = true;
        setStatus('Live updates stopped: reload the page.');
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
        schedulePoll();
      });
  }

  scrollToEnd();
  schedulePoll();
  if (window.EventSource) {
    var source = new window.EventSource(inbox.getAttribute('data-events'));
    source.addEventListener('inbox', refresh);
    source.addEventListener('open', function () {
      setStatus('Live updates on');
      // catch up with what changed between rendering the page (or losing the connection) and listening
      refresh();
      inbox.setAttribute('data-live', 'on');
    });
    source.addEventListener('error', function () {
      if (source.readyState === window.EventSource.CLOSED) {
        stopped = true;
        setStatus('Live updates stopped: reload the page.');
      } else {
        setStatus('Reconnecting…');
      }
    });
  } else {
    setStatus('This browser shows new messages when you reload the page.');
  }
}());
