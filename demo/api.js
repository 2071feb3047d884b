// The endpoint form: names the endpoint (and models) on <rakis-node>, whose consent panel then asks for the key.
const form = document.getElementById('endpoint-form');
const node = document.querySelector('rakis-node');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const models = document.getElementById('models').value.trim();
  if (models) node.setAttribute('models', models);
  else node.removeAttribute('models');
  node.setAttribute('api-url', document.getElementById('endpoint').value.trim());
  node.setAttribute('contribute', 'ask');
});
