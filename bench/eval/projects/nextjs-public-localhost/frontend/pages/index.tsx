import { api } from '../lib/api';

export async function getServerSideProps() {
  const { data } = await api.get('/recipes');
  return { props: { recipes: data } };
}

export default function Home({ recipes }: { recipes: unknown[] }) {
  return <ul>{recipes.length}</ul>;
}
