import http from 'node:http';

// The export benchmark's HTTP client, run as a child process (bench/export.ts) so that the RSS
// the benchmark samples is the server's alone, not the server's plus a client reading hundreds
// of megabytes. Prints {"rows", "bytes"} when the download has ended: rows counted from line
// ends (no cell of the benchmark's holds one), the header left out; 0 for a file that is no CSV.
//   node --import tsx bench/download-client.ts <url> <cookie>

const [url, cookie] = process.argv.slice(2);
if (!url || cookie === undefined) throw new Error('usage: download-client.ts <url> <cookie>');
const csv = new URL(url).searchParams.get('format') !== 'xlsx';

http
  .get(url, { headers: { cookie } }, (res) => {
    if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}`);
    let lines = 0;
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (csv) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    res.on('end', () => process.stdout.write(JSON.stringify({ rows: csv ? lines - 1 : 0, bytes })));
  })
  .on('error', (error) => {
    throw error;
  });
