import { createServer, type Server } from 'node:http';
import { createPipeline, type PipelineOptions } from './pipeline.js';

/**
 * Creates the HTTP server for the S3 endpoint. `Expect: 100-continue` is answered only after the
 * request has been authenticated and authorized, so a rejected upload never sends its body.
 */
export function createS3Server(opts: PipelineOptions): Server {
  const handle = createPipeline(opts);
  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 });
  server.on('request', (req, res) => {
    void handle(req, res);
  });
  server.on('checkContinue', (req, res) => {
    void handle(req, res, true);
  });
  server.on('clientError', (err, socket) => {
    void err;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
