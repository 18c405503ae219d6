/**
 * The house rule, written once: src/ is a stack of floors, and a folder may import only from the
 * floors below it. Folders on one floor are rooms: none imports another. No circles, and nothing
 * in src/ reaches into test/, bench/ or tools/. `npm run check:deps` enforces it.
 */
const FLOORS = [
  ['cli'], // the command line; nothing imports it
  ['compose'], // config, the core, serve and worker processes, the journal thread
  ['server'], // the http server, the app, the route table, the call lifecycle
  ['soap', 'admin', 'progress', 'servicenow', 'salesforce', 'dashboard', 'db'], // faces, and the database that implements the services' ports
  ['json'], // what the JSON faces share: caller, validation, bad-request answers
  ['worker'], // moves jobs forward
  ['state'], // resets and fixtures
  ['callbacks', 'journal', 'faults'],
  ['accounts'],
  ['jobs'],
  ['records'],
  ['lib'], // small leaves
];

const folders = (list) => `^src/(${list.join('|')})/`;

const upward = FLOORS.flatMap((floor, level) =>
  floor.map((folder) => {
    const above = FLOORS.slice(0, level).flat();
    const rooms = floor.filter((other) => other !== folder);
    return {
      name: `${folder}-imports-down`,
      comment: `src/${folder}/ may import only from floors below it (see FLOORS in .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: folders([...above, ...rooms]) },
    };
  }),
);

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'import circles make the order of the house unreadable', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'src-stands-alone',
      comment: 'the service never reaches into tests, benchmarks or tools',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' },
    },
    {
      name: 'every-folder-on-a-floor',
      comment: 'a file directly in src/ or in a folder FLOORS does not name has no place in the order',
      severity: 'error',
      from: { path: '^src/', pathNot: [folders(FLOORS.flat()), '^src/dashboard/ui/'] },
      to: {},
    },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/dashboard/ui/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
