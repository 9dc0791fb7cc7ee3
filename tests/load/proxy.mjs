// A tiny round-robin HTTP proxy on loopback for the scale-out tests: each request (not each
// connection) goes to the next backend in turn, so one client's consecutive requests alternate
// between the servers. start() resolves with {url, counts (requests per backend), close()}.

import http from 'node:http';

export function startProxy(backends) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const counts = backends.map(() => 0);
    let next = 0;
    const server = http.createServer((req, res) => {
        const i = next++ % backends.length;
        counts[i]++;
        const target = new URL(backends[i]);
        const up = http.request(
            {
                host: target.hostname,
                port: target.port,
                method: req.method,
                path: req.url,
                headers: { ...req.headers, host: target.host },
                agent,
            },
            (r) => {
                res.writeHead(r.statusCode, r.rawHeaders);
                r.pipe(res);
            },
        );
        up.on('error', (e) => {
            res.writeHead(502, { 'Content-Type': 'text/plain' });
            res.end(`proxy: backend ${i}: ${e.message}`);
        });
        req.pipe(up);
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            resolve({
                url: `http://127.0.0.1:${port}`,
                counts,
                close: () =>
                    new Promise((r) => {
                        agent.destroy();
                        server.closeAllConnections?.();
                        server.close(() => r());
                    }),
            });
        });
    });
}
