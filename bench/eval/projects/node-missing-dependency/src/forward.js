const axios = require('axios');

exports.forward = async (body) => (await axios.post('https://example.com/ingest', body)).data;
