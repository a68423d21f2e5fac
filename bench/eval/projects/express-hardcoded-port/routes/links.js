const express = require('express');
const { nanoid } = require('nanoid');
const router = express.Router();
router.post('/links', (req, res) => res.json({ id: nanoid(7) }));
module.exports = router;
