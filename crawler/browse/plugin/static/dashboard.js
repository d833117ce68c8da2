/* wirewatch dashboard charts: the incident map and plain tables.
 *
 * datasette-dashboards lays out the page, the filters and its own charts; the charts of library
 * "wirewatch-map" and "wirewatch-table" are drawn here, from the same kind of definition (a
 * database, a SQL query, display options), with the filters of the page as query parameters.
 * Every value read from the database is put in the page as text (textContent, attributes),
 * never as HTML: incident titles come from news feeds.
 *
 * Everything used is served by the wirewatch Datasette itself (Leaflet by datasette-leaflet).
 * Map tiles are the one outside resource, and optional: without them, or when they cannot be
 * fetched, the incidents stay on the map as circles on a plain background.
 */
;(function () {
  'use strict'

  // Iraq, for a map without any incident to fit.
  const IRAQ_CENTER = [33.2, 43.7]
  const IRAQ_ZOOM = 6
  const MARKER_RADIUS_PX = 7

  function element (tag, attributes, ...children) {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value)
    }
    for (const child of children) {
      if (child === null || child === undefined) continue
      node.append(child instanceof Node ? child : String(child))
    }
    return node
  }

  // Datasette's tilde-encoding of a primary key in a row URL.
  function tildeEncode (value) {
    return Array.from(new TextEncoder().encode(String(value)), byte => {
      const ch = String.fromCharCode(byte)
      return /[A-Za-z0-9_-]/.test(ch) ? ch : '~' + byte.toString(16).toUpperCase().padStart(2, '0')
    }).join('')
  }

  function rowUrl (base, db, table, id) {
    return `${base}${encodeURIComponent(db)}/${encodeURIComponent(table)}/${tildeEncode(id)}`
  }

  async function fetchRows (chart, queryString, base) {
    const url = `${base}${encodeURIComponent(chart.db)}.json?sql=${encodeURIComponent(chart.query)}` +
      `${queryString ? '&' + queryString : ''}&_shape=objects`
    // Always the database as it is now: a reload or a filter must not show cached rows.
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' })
    const data = await response.json().catch(() => ({}))
    if (!response.ok || data.ok === false) {
      throw new Error(data.error || `HTTP ${response.status}`)
    }
    return data
  }

  function truncatedNote (node, data) {
    if (data.truncated) {
      node.append(element('p', { class: 'wirewatch-note' },
        `Only the first ${data.rows.length} rows are shown: narrow the filters.`))
    }
  }

  // -- map ------------------------------------------------------------------------------------

  function popupFor (row, base, db) {
    const reports = `${row.articles} report${row.articles === 1 ? '' : 's'}` +
      (row.languages ? ` in ${row.languages.split(',').join(', ')}` : '')
    return element('div', { class: 'wirewatch-popup' },
      element('strong', {}, element('a', { href: rowUrl(base, db, 'incidents', row.id) }, row.title)),
      element('div', {}, `${row.attack_label} — ${row.time}`),
      element('div', {}, row.place || 'place not stated'),
      element('div', {}, row.casualties),
      row.counters ? element('div', {}, `Counted: ${row.counters}`) : null,
      element('div', {}, element('a', {
        href: `${base}${encodeURIComponent(db)}/incident_articles?incident_id=${encodeURIComponent(row.id)}`
      }, `${reports}: read the articles`))
    )
  }

  // Below the map rather than on it: on a plain background every marker counts.
  function legend (colors, rows) {
    const labels = new Map(rows.map(row => [row.attack_type || 'other', row.attack_label]))
    return element('div', { class: 'wirewatch-legend' },
      ...[...labels.keys()].sort().map(type => element('span', { class: 'wirewatch-legend-item' },
        element('span', { class: 'wirewatch-swatch', style: `background:${colors[type] || colors.other}` }),
        labels.get(type))))
  }

  async function renderMap (node, chart, queryString, base) {
    const [L, data] = await Promise.all([
      import(window.datasette.leaflet.JAVASCRIPT_URL),
      fetchRows(chart, queryString, base)
    ])
    const display = chart.display || {}
    const colors = display.colors || {}
    const box = element('div', { class: 'wirewatch-map' })
    const notice = element('p', { class: 'wirewatch-tiles-notice' },
      'Map tiles unavailable: incidents on a plain background.')
    node.append(box, notice)
    const map = L.map(box, { zoomSnap: 0.5 })
    if (display.tiles) {
      const tiles = L.tileLayer(display.tiles, { maxZoom: 18, attribution: display.attribution || '' })
      tiles.on('tileerror', () => node.classList.add('tiles-unavailable'))
      tiles.addTo(map)
    } else {
      node.classList.add('tiles-unavailable')
    }
    // The view first: Leaflet draws a marker's element only on a map that has one.
    const points = data.rows.map(row => [row.latitude, row.longitude])
    if (points.length) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 11 })
    } else {
      map.setView(IRAQ_CENTER, IRAQ_ZOOM)
    }
    for (const row of data.rows) {
      const marker = L.circleMarker([row.latitude, row.longitude], {
        radius: MARKER_RADIUS_PX,
        color: '#ffffff',
        weight: 1,
        fillColor: colors[row.attack_type] || colors.other || '#666666',
        fillOpacity: 0.9,
        className: 'incident-marker'
      })
      marker.bindPopup(() => popupFor(row, base, chart.db))
      marker.addTo(map)
      const path = marker.getElement()
      path.dataset.incident = row.id
      path.dataset.attackType = row.attack_type || 'other'
    }
    if (data.rows.length) node.append(legend(colors, data.rows))
    node.dataset.markers = String(data.rows.length)
    truncatedNote(node, data)
  }

  // -- tables ---------------------------------------------------------------------------------

  async function renderTable (node, chart, queryString, base) {
    const data = await fetchRows(chart, queryString, base)
    const display = chart.display || {}
    const links = display.links || {}
    node.dataset.rows = String(data.rows.length)
    if (!data.rows.length) {
      node.append(element('p', { class: 'wirewatch-empty' }, display.empty || 'Nothing to show.'))
      return
    }
    const columns = Object.keys(data.rows[0]).filter(name => !name.startsWith('_'))
    const cell = (row, column) => {
      const value = row[column] === null || row[column] === undefined ? '' : row[column]
      const link = links[column]
      if (!link || row[link[1]] === null || row[link[1]] === undefined) return element('td', {}, value)
      return element('td', {}, element('a', { href: rowUrl(base, chart.db, link[0], row[link[1]]) }, value))
    }
    node.append(element('div', { class: 'wirewatch-table' },
      element('table', {},
        element('thead', {}, element('tr', {}, ...columns.map(column => element('th', {}, column)))),
        element('tbody', {}, ...data.rows.map(row =>
          element('tr', {}, ...columns.map(column => cell(row, column))))))))
    truncatedNote(node, data)
  }

  // -- entry point ------------------------------------------------------------------------------

  const RENDERERS = { 'wirewatch-map': renderMap, 'wirewatch-table': renderTable }

  function drawAll (charts, queryString, base) {
    for (const [id, chart] of Object.entries(charts)) {
      const node = document.getElementById(id)
      const render = RENDERERS[chart.library]
      if (!node || !render) continue
      render(node, chart, queryString, base).then(
        () => { node.dataset.rendered = 'ok' },
        error => {
          node.dataset.rendered = 'error'
          node.append(element('p', { class: 'wirewatch-error' }, `Could not draw this chart: ${error.message}`))
        })
    }
  }

  window.wirewatchDashboard = {
    render (charts, queryString, base) {
      if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', () => drawAll(charts, queryString, base))
      } else {
        drawAll(charts, queryString, base)
      }
    }
  }
})()
