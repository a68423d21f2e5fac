const express = require('express');
const { createProxyMiddleware } = require('http-proxy-middleware');

const app = express();
app.use('/api', createProxyMiddleware({ target: 'https://backend.internal.example.com', changeOrigin: true }));
app.listen(process.env.PORT || 8080, 'localhost', () => console.log('gateway up'));
