// The logged-in user's token. Kept in localStorage (never in a URL); the page's
// Content-Security-Policy allows only this origin's scripts to read it.

const KEY = "aianimals.session";

export function currentSession() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) || "null");
    if (!stored || !stored.token) return null;
    if (stored.expires_at && Date.parse(stored.expires_at) <= Date.now()) {
      clearSession();
      return null;
    }
    return stored;
  } catch {
    clearSession();
    return null;
  }
}

export function saveSession(login, handleName) {
  const session = {
    token: login.token,
    user_id: login.user_id,
    expires_at: login.expires_at,
    handle_name: handleName,
  };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function clearSession() {
  localStorage.removeItem(KEY);
}
