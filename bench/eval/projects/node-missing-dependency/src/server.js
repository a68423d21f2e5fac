const express = require('express');
const { forward } = require('./forward');

const app = express();
app.use(express.json());
app.post('/hook', async (req, res) => res.json(await forward(req.body)));
app.listen(process.env.PORT || 8080, '0.0.0.0');
