const { createServer } = require('http');
const { Server } = require('socket.io');
const { createClient } = require('redis');
const { createAdapter } = require('@socket.io/redis-adapter');

const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: '*' } });
const pub = createClient({ url: process.env.REDIS_URL });
const sub = pub.duplicate();
io.adapter(createAdapter(pub, sub));
io.on('connection', (socket) => {
  socket.on('stroke', (s) => socket.broadcast.emit('stroke', s));
});
httpServer.listen(process.env.PORT || 8080);
