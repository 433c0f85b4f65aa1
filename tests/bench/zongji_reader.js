// zongji_reader.js HOST PORT FILE POSITION ROWS: the npm @vlasky/zongji binlog
// reader from FILE:POSITION until it has decoded ROWS row changes (the
// benchmark's reference Node reader). Exits 0 when done, 1 on error.
const zongjiModule = require('@vlasky/zongji');  // an ES module since 0.9
const ZongJi = zongjiModule.default || zongjiModule;

const [host, port, file, position, rows] = process.argv.slice(2);
const want = Number(rows);
let seen = 0;
const zongji = new ZongJi({host, port: Number(port), user: 'root', password: ''});
zongji.on('binlog', (event) => {
  if (event.rows) seen += event.rows.length;
  if (seen >= want) {
    zongji.stop();
    process.exit(0);
  }
});
zongji.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
zongji.start({
  filename: file,
  position: Number(position),
  serverId: 7199,
  includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'rotate'],
});
