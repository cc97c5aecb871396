// graphql-http's audit of one GraphQL-over-HTTP endpoint: prints a JSON object with every
// audit's outcome. Usage: node audit.mjs URL [TOKEN] (the token goes in as a bearer header).
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
const outcomes = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
console.log(JSON.stringify(outcomes));
