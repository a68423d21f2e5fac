import Fastify from 'fastify';
import { mailQueue } from './queue';

const app = Fastify({ logger: true });
app.post('/send', async (req) => {
  const job = await mailQueue.add('send', req.body);
  return { id: job.id };
});
app.listen({ port: Number(process.env.PORT) || 8080, host: '0.0.0.0' });
