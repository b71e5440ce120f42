/* French locale for plotly.js (dates on axes, number separators, mode bar tooltips).
   Written here rather than fetched: the deck loads nothing from a CDN. */
(function () {
  if (!window.Plotly) return;
  window.Plotly.register({
    moduleType: "locale",
    name: "fr",
    dictionary: {
      "Autoscale": "Échelle automatique",
      "Box Select": "Sélection rectangulaire",
      "Click to enter Colorscale title": "Cliquez pour saisir le titre de l'échelle de couleurs",
      "Double-click to zoom back out": "Double-cliquez pour dézoomer",
      "Pan": "Déplacer",
      "Reset axes": "Réinitialiser les axes",
      "Reset view": "Réinitialiser la vue",
      "Zoom": "Zoom",
      "Zoom in": "Zoom avant",
      "Zoom out": "Zoom arrière",
      "Show closest data on hover": "Afficher la donnée la plus proche au survol",
      "Compare data on hover": "Comparer les données au survol",
      "Download plot as a png": "Télécharger le graphique en PNG",
      "Produced with Plotly.js": "Réalisé avec Plotly.js"
    },
    format: {
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                    "sept.", "oct.", "nov.", "déc."],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "\u00a0"
    }
  });
})();
