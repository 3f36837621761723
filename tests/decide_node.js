// Runs assets/javascripts/decide.js under Node: reads {rules, questions} as JSON on stdin,
// writes the list of answers as JSON on stdout (tests/test_decide.py compares them with Python's).
const path = require("path");
const decide = require(path.join(__dirname, "..", "assets", "javascripts", "decide.js"));
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { rules, questions } = JSON.parse(input);
  process.stdout.write(JSON.stringify(questions.map((q) => decide.evaluate(rules, q))));
});
