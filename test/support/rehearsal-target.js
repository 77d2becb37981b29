// `npm run test:rehearse`: the end-to-end files run against the rehearsal only
// (`npm test` runs them against `npm start`).
process.env.E2E_TARGETS = 'rehearsal';
