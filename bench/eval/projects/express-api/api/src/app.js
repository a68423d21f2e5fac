const express = require('express');
const helmet = require('helmet');
const jwt = require('jsonwebtoken');
const db = require('./db');
const config = require('./config');

const app = express();
app.use(helmet());
app.use(express.json({ limit: '1mb' }));
app.get('/todos', async (req, res) => {
  jwt.verify(req.headers.authorization || '', config.jwtSecret);
  const { rows } = await db.query('select * from todos');
  res.json(rows);
});
module.exports = app;
