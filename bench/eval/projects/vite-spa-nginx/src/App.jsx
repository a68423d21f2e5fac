const API = import.meta.env.VITE_API_URL ?? 'http://localhost:8000';

export default function App() {
  return <a href={`${API}/health`}>health</a>;
}
