// Maps API responses to messages shown in the portal.
export function messageFor(response) {
  switch (response.status) {
    case 400:
      return 'The request was not valid.';
    case 401:
      // HTTP/1.1 401 Unauthorized: the session expired, send the user to sign in
      return 'Your session has expired. Please sign in again.';
    case 403:
      return 'You do not have access to this page.';
    default:
      return `Unexpected response (${response.status} ${response.statusText}).`;
  }
}

export async function fetchJson(url, token) {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 401) {
    throw new Error('401 Unauthorized');
  }
  return res.json();
}
