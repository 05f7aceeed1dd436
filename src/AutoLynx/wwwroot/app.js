// Small browser-side helpers for the Blazor pages (loaded by App.razor).
(() => {
  const year = 60 * 60 * 24 * 365;
  const setCookie = (name, value) => {
    document.cookie = value == null
      ? `${name}=; path=/; max-age=0; samesite=lax`
      : `${name}=${value}; path=/; max-age=${year}; samesite=lax`;
  };

  // The server's first render of the next page uses these, so it is already in the right colours.
  const systemDark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
  const rememberSystem = () => setCookie('al-system-dark', systemDark && systemDark.matches ? '1' : '0');
  rememberSystem();
  if (systemDark && systemDark.addEventListener) systemDark.addEventListener('change', rememberSystem);

  let lastFocus = null;

  window.autolynx = {
    theme: {
      /** 'dark' or 'light' when the person chose one, else null (follow the system). */
      get: () => localStorage.getItem('al-theme'),
      set: value => {
        if (value) localStorage.setItem('al-theme', value); else localStorage.removeItem('al-theme');
        setCookie('al-theme', value || null);
      },
    },
    /** Before a dialog opens: where focus is, to put it back when it closes. */
    rememberFocus: () => { lastFocus = document.activeElement; },
    /** The browser's IANA time zone ("Europe/Berlin"): scheduled starts and ends are typed and shown in it. */
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || null,
    restoreFocus: () => {
      if (lastFocus && document.contains(lastFocus) && typeof lastFocus.focus === 'function') lastFocus.focus();
      lastFocus = null;
    },
  };

  // Elements marked data-keyclick (e.g. table sort headers, which MudBlazor renders as spans) work with Enter and Space.
  document.addEventListener('keydown', e => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target instanceof Element && e.target.matches('[data-keyclick]')) {
      e.preventDefault();
      e.target.click();
    }
  });
})();
